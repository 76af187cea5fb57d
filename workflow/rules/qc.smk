# Alignment statistics and per-exon panel coverage, for every sample with reads.


rule collect_alignment_stats:
    input:
        bam=lambda wildcards: PLAN.alignment(wildcards.sample),
        bai=lambda wildcards: PLAN.alignment_index(wildcards.sample),
        fasta=REF.fasta,
        fai=REF.fai,
    output:
        "results/qc/{sample}.stats.txt",
    log:
        "logs/collect_alignment_stats/{sample}.log",
    benchmark:
        "benchmarks/collect_alignment_stats/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: config["threads"]["stats"]
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=120,
    shell:
        "samtools stats -@ {threads} --reference {input.fasta:q} {input.bam:q} > {output:q} 2> {log:q}"


rule measure_panel_coverage:
    input:
        bam=lambda wildcards: PLAN.alignment(wildcards.sample),
        bai=lambda wildcards: PLAN.alignment_index(wildcards.sample),
        targets=PLAN.targets,
        fasta=REF.fasta,
        fai=REF.fai,
    output:
        tsv="results/qc/{sample}.coverage.tsv",
        json="results/qc/{sample}.coverage.json",
        bins="results/qc/{sample}.coverage.bins.tsv",
    log:
        "logs/measure_panel_coverage/{sample}.log",
    benchmark:
        "benchmarks/measure_panel_coverage/{sample}.tsv"
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=60,
    params:
        min_depth=config["coverage"]["min_depth"],
        min_mapq=config["coverage"]["min_mapq"],
    shell:
        "mmpsi-variants coverage {input.bam:q} --sample {wildcards.sample}"
        " --targets {input.targets:q} --reference {input.fasta:q}"
        " --min-depth {params.min_depth} --min-mapq {params.min_mapq}"
        " -o results/qc/{wildcards.sample}.coverage 2> {log:q}"


rule summarise_family_calls:
    input:
        vcf="results/calls/{family}.vcf.gz",
        tbi="results/calls/{family}.vcf.gz.tbi",
    output:
        "results/qc/{family}.bcftools_stats.txt",
    log:
        "logs/summarise_family_calls/{family}.log",
    benchmark:
        "benchmarks/summarise_family_calls/{family}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1000 * attempt,
        runtime=30,
    shell:
        "bcftools stats -s - {input.vcf:q} > {output:q} 2> {log:q}"


rule tabulate_panel_coverage:
    input:
        expand("results/qc/{sample}.coverage.json", sample=PLAN.aligned_samples),
    output:
        "results/qc/multiqc/panel_coverage_mqc.tsv",
    log:
        "logs/tabulate_panel_coverage/run.log",
    benchmark:
        "benchmarks/tabulate_panel_coverage/run.tsv"
    localrule: True
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    shell:
        "mmpsi-variants coverage-mqc {input:q} -o {output:q} 2> {log:q}"


rule report_run_qc:
    input:
        stats=expand("results/qc/{sample}.stats.txt", sample=PLAN.aligned_samples),
        markdup=expand("results/qc/{sample}.markdup.txt", sample=PLAN.fastq_samples),
        calls=expand("results/qc/{family}.bcftools_stats.txt", family=PLAN.families),
        coverage=PLAN.coverage_table,
    output:
        "results/qc/multiqc.html",
    log:
        "logs/report_run_qc/run.log",
    benchmark:
        "benchmarks/report_run_qc/run.tsv"
    conda:
        "../envs/multiqc.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=30,
    shell:
        "multiqc --force --no-version-check --no-ai --no-data-dir"
        " --filename multiqc.html --outdir results/qc"
        " {input.stats:q} {input.markdup:q} {input.calls:q} {input.coverage:q} > {log:q} 2>&1"
