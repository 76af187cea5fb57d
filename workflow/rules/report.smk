# Per-sample reports (mmpsi-variants filter on the family's calls) and the cohort summary.


rule derive_pedigree:
    input:
        samples=config["samples"],
        schema=SCHEMAS / "samples.schema.yaml",
    output:
        "results/ped/{family}.ped",
    log:
        "logs/derive_pedigree/{family}.log",
    benchmark:
        "benchmarks/derive_pedigree/{family}.tsv"
    localrule: True
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    shell:
        "mmpsi-variants ped {input.samples:q} --schema {input.schema:q}"
        " --family {wildcards.family} -o {output:q} 2> {log:q}"


rule filter_variants:
    input:
        vcf=lambda wildcards: f"results/calls/{PLAN.family_of(wildcards.sample)}.vcf.gz",
        tbi=lambda wildcards: f"results/calls/{PLAN.family_of(wildcards.sample)}.vcf.gz.tbi",
        ped=lambda wildcards: f"results/ped/{PLAN.family_of(wildcards.sample)}.ped",
        genes=PLAN.gene_models,
        fasta=REF.fasta,
        fai=REF.fai,
        resources=PLAN.filter_resources.values(),
        coverage=lambda wildcards: PLAN.coverage_of(wildcards.sample),
        cnv=lambda wildcards: PLAN.cnv_of(wildcards.sample),
        phenopacket=lambda wildcards: PLAN.phenopacket_of(wildcards.sample),
    output:
        json="results/reports/{sample}/{sample}.variants.json",
        tsv="results/reports/{sample}/{sample}.variants.tsv",
        html="results/reports/{sample}/{sample}.report.html",
        vcf="results/reports/{sample}/{sample}.vcf.gz",
        tbi="results/reports/{sample}/{sample}.vcf.gz.tbi",
    log:
        "logs/filter_variants/{sample}.log",
    benchmark:
        "benchmarks/filter_variants/{sample}.tsv"
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=60,
    params:
        genes=PLAN.filter_gene_models_option,
        build=config["reference"]["build"],
        padding=config["filter"]["padding"],
        panel=PANEL,
        tiers=TIERS,
        evidence=lambda wildcards: PLAN.filter_options(wildcards.sample),
    shell:
        "mmpsi-variants filter {input.vcf:q} --sample {wildcards.sample} {params.genes}"
        " --reference {input.fasta:q} --ped {input.ped:q} --build {params.build}"
        " --padding {params.padding} {params.panel} {params.tiers} {params.evidence}"
        " --outdir results/reports/{wildcards.sample} 2> {log:q}"


rule reads_page:
    input:
        json="results/reports/{sample}/{sample}.variants.json",
        bams=lambda wildcards: [
            PLAN.alignment(s) for s in PLAN.reads_members(wildcards.sample)
        ],
        bais=lambda wildcards: [
            PLAN.alignment_index(s) for s in PLAN.reads_members(wildcards.sample)
        ],
        vcf=lambda wildcards: f"results/calls/{PLAN.family_of(wildcards.sample)}.vcf.gz",
        tbi=lambda wildcards: f"results/calls/{PLAN.family_of(wildcards.sample)}.vcf.gz.tbi",
        fasta=REF.fasta,
        fai=REF.fai,
        genes=PLAN.gene_models,
    output:
        "results/reports/{sample}/{sample}.reads.html",
    log:
        "logs/reads_page/{sample}.log",
    benchmark:
        "benchmarks/reads_page/{sample}.tsv"
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=30,
    params:
        tracks=lambda wildcards: PLAN.reads_options(wildcards.sample),
        report=lambda wildcards: f"{wildcards.sample}.report.html",
    shell:
        "mmpsi-variants reads {input.json:q} {params.tracks} --vcf {input.vcf:q}"
        " --reference {input.fasta:q} --report {params.report:q} -o {output:q} 2> {log:q}"


rule summarise_cohort:
    input:
        samples=config["samples"],
        schema=SCHEMAS / "samples.schema.yaml",
        variants=expand(
            "results/reports/{sample}/{sample}.variants.json", sample=PLAN.samples
        ),
        coverage=expand(
            "results/qc/{sample}.coverage.json", sample=PLAN.aligned_samples
        ),
        targets=PLAN.targets,
    output:
        tsv="results/cohort/cohort.tsv",
        json="results/cohort/cohort.json",
        candidates="results/cohort/candidates.tsv",
        summary_html="results/cohort/summary.html",
        summary_tsv="results/cohort/summary.tsv",
        summaries=expand(
            "results/reports/{sample}/{sample}.summary.json", sample=PLAN.samples
        ),
    log:
        "logs/summarise_cohort/cohort.log",
    benchmark:
        "benchmarks/summarise_cohort/cohort.tsv"
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=30,
    params:
        coverage=lambda wildcards, input: " ".join(
            f"--coverage {shlex.quote(p)}" for p in input.coverage
        ),
        panel=PANEL,
        tiers=TIERS,
    shell:
        "mmpsi-variants cohort {input.variants:q} --samples {input.samples:q}"
        " --schema {input.schema:q} {params.coverage} --targets {input.targets:q}"
        " {params.panel} {params.tiers} -o results/cohort --reports-dir results/reports"
        " 2> {log:q}"
