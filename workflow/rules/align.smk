# FASTQ entry: bwa mem or minimap2 -ax sr (align.aligner) with read groups, piped through
# samtools fixmate and sort (no SAM on disk); the units of a sample are merged (a single unit
# is read as it is) and duplicates marked.


rule align_reads:
    input:
        reads=lambda wildcards: PLAN.unit_fastqs(wildcards.sample, wildcards.unit),
        index=PLAN.aligner_index,
    output:
        temp("results/bam/units/{sample}.{unit}.bam"),
    log:
        "logs/align_reads/{sample}.{unit}.log",
    benchmark:
        "benchmarks/align_reads/{sample}.{unit}.tsv"
    conda:
        "../envs/align.yaml"
    threads: config["threads"]["align"]
    resources:
        mem_mb=lambda wildcards, attempt: 12000 * attempt,
        runtime=480,
    params:
        align=lambda wildcards, threads: PLAN.align_command(
            wildcards.sample, wildcards.unit, threads
        ),
        sort_prefix=lambda wildcards, resources: (
            f"{resources.tmpdir}/{wildcards.sample}.{wildcards.unit}"
        ),
    shell:
        "({params.align}"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -T {params.sort_prefix:q}"
        " -o {output:q} -) 2> {log:q}"


rule mark_duplicates:
    input:
        lambda wildcards: PLAN.unit_bams(wildcards.sample),
    output:
        bam="results/bam/{sample}.bam",
        bai="results/bam/{sample}.bam.bai",
        metrics="results/qc/{sample}.markdup.txt",
    log:
        "logs/mark_duplicates/{sample}.log",
    benchmark:
        "benchmarks/mark_duplicates/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: config["threads"]["markdup"]
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=240,
    params:
        merge=lambda wildcards, threads: PLAN.markdup_merge(wildcards.sample, threads),
        source=lambda wildcards: PLAN.markdup_source(wildcards.sample),
        # The index is written as the BAM is, rather than by a second pass over it.
        bam_and_index=lambda wildcards, output: shlex.quote(
            f"{output.bam}##idx##{output.bai}"
        ),
        tmp_prefix=lambda wildcards, resources: f"{resources.tmpdir}/{wildcards.sample}",
    shell:
        "({params.merge} samtools markdup -@ {threads} -f {output.metrics:q}"
        " -T {params.tmp_prefix:q} --write-index {params.source}"
        " {params.bam_and_index}) 2> {log:q}"
