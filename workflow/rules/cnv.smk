# Copy number of the panel genes' exons from read depth: one job for the run, since each sample
# is compared with a reference pooled from all the others (CNVkit, via mmpsi-variants cnv).


rule call_copy_number:
    input:
        bins=expand(
            "results/qc/{sample}.coverage.bins.tsv", sample=PLAN.aligned_samples
        ),
        samples=config["samples"],
        fasta=REF.fasta,
        fai=REF.fai,
    output:
        expand("results/cnv/{sample}.cnv.tsv", sample=PLAN.aligned_samples),
    log:
        "logs/call_copy_number/run.log",
    benchmark:
        "benchmarks/call_copy_number/run.tsv"
    conda:
        "../envs/cnv.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=60,
    shell:
        "mmpsi-variants cnv {input.bins:q} --samples {input.samples:q}"
        " --reference {input.fasta:q} --outdir results/cnv 2> {log:q}"
