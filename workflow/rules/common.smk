# Shared helpers for the rules: the family list and per-family inputs from the config.

FAMILIES = sorted(config["families"])


def family_vcf(wildcards):
    return config["families"][wildcards.family]["vcf"]


def family_ped(wildcards):
    return config["families"][wildcards.family]["ped"]


def panel_option():
    return f"--panel {config['panel']}" if config.get("panel") else ""


def settings_option():
    return f"--settings {config['settings']}" if config.get("settings") else ""


def tier_options():
    return " ".join(f"--tier {t}" for t in config["filter"]["tiers"])
