# mmpsi-variants: from sequencing reads to per-sample EIMFS/MMPSI variant reports.
#
# Entry points, per family (config/units.tsv): FASTQ (aligned here), BAM/CRAM (aligned
# already), or an existing joint VCF (alignment and calling skipped).
#
# Outputs:
#   resources.manifest (when set and missing)      the panel's gene models, ClinVar, gnomAD
#   results/reference/genome.fa(.fai, bwa index)  the reference, with the indexes that were missing
#   results/panel/calling_regions.bed             panel gene spans + calling.padding, merged
#   results/panel/targets.bed                     coding exons + splice margin (coverage targets)
#   results/bam/{sample}.bam (+ .bai)             aligned, duplicate-marked reads (FASTQ entry)
#   results/qc/{sample}.stats.txt                 samtools stats
#   results/qc/{sample}.coverage.{tsv,json}       per-exon panel coverage
#   results/calls/{family}.vcf.gz (+ .tbi)        joint calls, multi-allelics split, left-aligned
#   results/cnv/{sample}.cnv.tsv, {sample}/*.png  exon-level copy number (CNVkit), plot per gene
#   results/ped/{family}.ped                      PED derived from config/samples.tsv
#   results/reports/{sample}/{sample}.variants.{json,tsv}   panel variants (mmpsi-variants filter)
#   results/reports/{sample}/{sample}.summary.json          phenotype, coverage, candidates
#   results/cohort/cohort.{tsv,json}, candidates.tsv        cohort summary
#   logs/{rule}/{wildcards}.log, benchmarks/{rule}/{wildcards}.tsv   one of each per job


from snakemake.utils import min_version

min_version("8.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/resources.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/qc.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/cnv.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        PLAN.final_outputs(),
