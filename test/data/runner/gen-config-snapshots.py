"""Writes the expected config.yaml snapshot of each example config in this folder.

The snapshot is what the reference runner writes: PyYAML's yaml.dump of the validated config with
every default filled in, float fields as floats and paths normalized by pathlib. Run from this folder
with PyYAML installed: python3 gen-config-snapshots.py
"""
import glob
import pathlib

import yaml

LLM_DEFAULTS = dict(model="gpt-4o-mini", temperature=None, max_tokens=None, timeout_s=60.0,
                    max_concurrent_requests=8, max_retries=6, backoff_base_s=0.5, backoff_max_s=30.0,
                    jitter_s=0.2, cache_enabled=True)
LLM_FLOATS = {"temperature", "timeout_s", "backoff_base_s", "backoff_max_s", "jitter_s"}
AGENT_DEFAULTS = dict(agent_type="codeact", max_turns=12, timeout_s=300.0, persistent_state=True,
                      max_tool_calls=None)


def filled(given, defaults, floats):
    out = dict(defaults)
    out.update({k: v for k, v in given.items() if k in defaults or k in ("name", "llm")})
    for key in floats:
        if out.get(key) is not None:
            out[key] = float(out[key])
    return out


def snapshot(config):
    agents = []
    for agent in config["agents"]:
        a = filled(agent, AGENT_DEFAULTS, {"timeout_s"})
        a["llm"] = filled(agent.get("llm", {}), LLM_DEFAULTS, LLM_FLOATS)
        agents.append(a)
    return dict(output_dir=str(pathlib.Path(config["output_dir"])), run_name=config.get("run_name", "codeact"),
                seed_start=config.get("seed_start", 0), max_concurrent_runs=config.get("max_concurrent_runs", 4),
                cache_db_path=str(pathlib.Path(config["cache_db_path"])), agents=agents,
                task_families=config.get("task_families"))


for path in sorted(glob.glob("*.yaml")):
    if path.endswith(".expected.yaml"):
        continue
    config = yaml.safe_load(open(path, encoding="utf-8"))
    if any(a.get("agent_type") == "react" for a in config["agents"]):
        continue
    out = path.replace(".yaml", ".expected.yaml")
    pathlib.Path(out).write_text(yaml.dump(snapshot(config)), encoding="utf-8")
