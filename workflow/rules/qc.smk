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
