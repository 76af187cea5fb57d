# Validate the configuration and sample sheets once, at parse time (mmpsi_variants.pipeline.plan), and
# give the rules their inputs. Errors name the config key, or the sheet's line and column.

import re
import shlex
from pathlib import Path

from snakemake.exceptions import WorkflowError

from mmpsi_variants.core.errors import MmpsiError
from mmpsi_variants.pipeline.plan import load_plan

SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"
try:
    PLAN = load_plan(config, SCHEMAS)
except MmpsiError as exc:
    raise WorkflowError(f"mmpsi-variants: error: {exc}") from None

REF = PLAN.reference
TIERS = " ".join(f"--tier {t}" for t in config["filter"]["tiers"])
PANEL = f"--panel {shlex.quote(str(config['panel']))}" if config["panel"] else ""


wildcard_constraints:
    sample="|".join(map(re.escape, PLAN.samples)),
    family="|".join(map(re.escape, PLAN.families)),
    unit="[A-Za-z0-9][A-Za-z0-9._-]*",
