# Joint calling per family over the configured regions (bcftools, or freebayes), then calls
# below calling.min_qual marked LowQual, multi-allelic records split and indels left-aligned.
# A family that comes with its own VCF skips calling: its samples are taken from that VCF
# (keeping its filters) and split the same way; the filter left-aligns it later with its own
# contig-name matching, since a user's VCF may name contigs differently from the FASTA.


rule call_variants_bcftools:
    input:
        unpack(lambda wildcards: PLAN.calling_inputs(wildcards.family)),
    output:
        vcf=temp("results/calls/{family}.bcftools.vcf.gz"),
        read_groups="results/calls/{family}.read_groups.txt",
    log:
        "logs/call_variants_bcftools/{family}.log",
    benchmark:
        "benchmarks/call_variants_bcftools/{family}.tsv"
    conda:
        "../envs/bcftools.yaml"
    threads: config["threads"]["call"]
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=480,
    params:
        regions=lambda wildcards, input: (
            f"-R {shlex.quote(input.regions)}" if "regions" in input.keys() else ""
        ),
        read_groups=lambda wildcards: PLAN.read_group_map(wildcards.family),
    shell:
        "(printf '%s\\n' {params.read_groups} > {output.read_groups:q}"
        " && bcftools mpileup -f {input.fasta:q} {params.regions} -G {output.read_groups:q}"
        " -a FORMAT/AD,FORMAT/DP --threads {threads} -Ou {input.bams:q}"
        " | bcftools call -m -v -a FORMAT/GQ --threads {threads} -Oz -o {output.vcf:q})"
        " 2> {log:q}"


rule call_variants_freebayes:
    input:
        unpack(lambda wildcards: PLAN.calling_inputs(wildcards.family)),
    output:
        vcf=temp("results/calls/{family}.freebayes.vcf.gz"),
    log:
        "logs/call_variants_freebayes/{family}.log",
    benchmark:
        "benchmarks/call_variants_freebayes/{family}.tsv"
    conda:
        "../envs/freebayes.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=720,
    params:
        regions=lambda wildcards, input: (
            f"-t {shlex.quote(input.regions)}" if "regions" in input.keys() else ""
        ),
    shell:
        "(freebayes -f {input.fasta:q} {params.regions} {input.bams:q}"
        " | bcftools view -i 'GT=\"alt\"' -Oz -o {output.vcf:q}) 2> {log:q}"


rule normalize_calls:
    input:
        vcf=lambda wildcards: PLAN.raw_calls(wildcards.family),
        fasta=REF.fasta,
        fai=REF.fai,
    output:
        vcf="results/calls/{family}.vcf.gz",
        tbi="results/calls/{family}.vcf.gz.tbi",
    log:
        "logs/normalize_calls/{family}.log",
    benchmark:
        "benchmarks/normalize_calls/{family}.tsv"
    conda:
        "../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=60,
    params:
        subset=lambda wildcards: PLAN.subset_options(wildcards.family),
        quality=lambda wildcards: PLAN.quality_filter(wildcards.family),
        reference=lambda wildcards: PLAN.norm_reference(wildcards.family),
    shell:
        "(bcftools view {params.subset} -Ou {input.vcf:q} {params.quality}"
        " | bcftools norm -m -any {params.reference} -Oz -o {output.vcf:q}"
        " && bcftools index -t {output.vcf:q}) 2> {log:q}"
