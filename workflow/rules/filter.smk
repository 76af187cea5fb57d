rule filter_variants:
    input:
        vcf=family_vcf,
        ped=family_ped,
        genes=config["reference"]["genes"],
        fasta=config["reference"]["fasta"],
    output:
        done=touch("results/reports/{family}/.done"),
    log:
        "logs/filter_variants/{family}.log",
    conda:
        "../envs/mmpsi.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        outdir=lambda wildcards: f"results/reports/{wildcards.family}",
        build=config["reference"]["build"],
        padding=config["filter"]["padding"],
        panel=panel_option(),
        tiers=tier_options(),
        settings=settings_option(),
    shell:
        "mmpsi-variants filter {input.vcf} --genes {input.genes} --reference {input.fasta}"
        " --ped {input.ped} --build {params.build} --padding {params.padding}"
        " {params.panel} {params.tiers} {params.settings} --outdir {params.outdir}"
        " > {log} 2>&1"
