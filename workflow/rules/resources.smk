# The annotation resources, fetched when the config names a manifest that does not exist yet
# (mmpsi-variants resources fetch: the panel's share of the gene models, ClinVar and gnomAD).


if PLAN.manifest:

    rule fetch_resources:
        input:
            sources=PLAN.fetch_sources,
        output:
            manifest=PLAN.manifest,
        log:
            "logs/fetch_resources/fetch.log",
        benchmark:
            "benchmarks/fetch_resources/fetch.tsv"
        # It needs the network, which compute nodes often lack: it runs where Snakemake runs.
        localrule: True
        conda:
            "../envs/mmpsi.yaml"
        threads: 1
        resources:
            mem_mb=2000,
            runtime=120,
            network=1,
        params:
            options=PLAN.fetch_options(),
        shell:
            "mmpsi-variants resources fetch {params.options} 2> {log:q}"
