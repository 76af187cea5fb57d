# The reference genome, staged under results/reference/ with the indexes that were missing, and
# the panel's calling regions and coverage targets.


rule link_reference:
    input:
        REF.source,
    output:
        REF.fasta,
    log:
        "logs/link_reference/link.log",
    benchmark:
        "benchmarks/link_reference/link.tsv"
    localrule: True
    conda:
        "../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=100,
        runtime=5,
    params:
        source=lambda wildcards, input: Path(input[0]).resolve(),
    shell:
        "ln -sf {params.source:q} {output:q} 2> {log:q}"


rule index_reference_fasta:
    input:
        REF.fasta,
    output:
        REF.index_files,
    log:
        "logs/index_reference_fasta/faidx.log",
    benchmark:
        "benchmarks/index_reference_fasta/faidx.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=30,
    shell:
        "samtools faidx {input:q} 2> {log:q}"


if REF.build_bwa_index:

    rule index_reference_bwa:
        input:
            REF.fasta,
        output:
            REF.bwa_files,
        log:
            "logs/index_reference_bwa/bwa.log",
        benchmark:
            "benchmarks/index_reference_bwa/bwa.tsv"
        conda:
            "../envs/bwa.yaml"
        threads: 1
        resources:
            mem_mb=lambda wildcards, attempt: 8000 * attempt,
            runtime=240,
        params:
            prefix=lambda wildcards, output: output[0][: -len(".amb")],
        shell:
            "bwa index -p {params.prefix:q} {input:q} 2> {log:q}"


rule define_calling_regions:
    input:
        genes=PLAN.gene_models,
    output:
        "results/panel/calling_regions.bed",
    log:
        "logs/define_calling_regions/regions.log",
    benchmark:
        "benchmarks/define_calling_regions/regions.tsv"
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=30,
    params:
        genes=PLAN.gene_models_option,
        padding=config["calling"]["padding"],
        panel=PANEL,
        tiers=TIERS,
    shell:
        "mmpsi-variants panel --bed --merge {params.genes} --padding {params.padding}"
        " {params.panel} {params.tiers} -o {output:q} 2> {log:q}"


rule define_coverage_targets:
    input:
        genes=PLAN.gene_models,
    output:
        PLAN.targets,
    log:
        "logs/define_coverage_targets/targets.log",
    benchmark:
        "benchmarks/define_coverage_targets/targets.tsv"
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=30,
    params:
        genes=PLAN.gene_models_option,
        margin=config["coverage"]["splice_margin"],
        panel=PANEL,
        tiers=TIERS,
    shell:
        "mmpsi-variants targets {params.genes} --splice-margin {params.margin}"
        " {params.panel} {params.tiers} -o {output:q} 2> {log:q}"


if PLAN.aligner == "minimap2":

    rule index_reference_minimap2:
        input:
            REF.fasta,
        output:
            REF.minimap2_index,
        log:
            "logs/index_reference_minimap2/minimap2.log",
        benchmark:
            "benchmarks/index_reference_minimap2/minimap2.tsv"
        conda:
            "../envs/align.yaml"
        threads: 2
        resources:
            mem_mb=lambda wildcards, attempt: 16000 * attempt,
            runtime=120,
        shell:
            "minimap2 -x sr -t {threads} -d {output:q} {input:q} 2> {log:q}"
