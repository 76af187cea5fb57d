# mmpsi-variants workflow: per-sample EIMFS/MMPSI variant reports.
#
# Today the workflow starts from an existing VCF per family (config: families.<name>.vcf) and
# runs the panel filter on it. Alignment and calling from reads are being added stage by stage.
#
# Outputs:
#   results/reports/{family}/{sample}.variants.json   the documented JSON contract
#   results/reports/{family}/{sample}.variants.tsv    the same, as a table
#   logs/{rule}/{family}.log                          one log per rule and family


from snakemake.utils import min_version

min_version("8.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/filter.smk"


rule all:
    input:
        expand("results/reports/{family}/.done", family=FAMILIES),
