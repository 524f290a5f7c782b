#!/usr/bin/env bash
# The GitHub Action's step (action.yml): run hec-doctor on what the inputs name and exit with
# its worst exit code. The github format writes annotations to the log and, through
# GITHUB_STEP_SUMMARY, a Markdown summary for the run's page. Inputs arrive as INPUT_*.
set -uo pipefail

hec_doctor=${HEC_DOCTOR:-hec-doctor}
format=${INPUT_FORMAT:-github}
out_dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
reports=()
common=(--format "$format")
sarif=false
case "${INPUT_SARIF:-false}" in
  true) sarif=true ;;
  false | "") ;;
  *) echo "::error title=hec-doctor::sarif must be true or false, not '${INPUT_SARIF}'"; exit 2 ;;
esac
run_number=0
also() {  # the JSON (for the outputs) and SARIF files of one hec-doctor run
  run_number=$((run_number + 1))
  local json="$out_dir/hec-doctor-$run_number.json"
  reports+=("$json")
  also_args=(--also "json:$json")
  if [ "$sarif" = true ]; then also_args+=(--also "sarif:$out_dir/hec-doctor-$run_number.sarif"); fi
}
case "${INPUT_STRICT:-false}" in
  true) common+=(--strict) ;;
  false | "") ;;
  *) echo "::error title=hec-doctor::strict must be true or false, not '${INPUT_STRICT}'"; exit 2 ;;
esac
offline=false
case "${INPUT_OFFLINE:-false}" in
  true) offline=true ;;
  false | "") ;;
  *) echo "::error title=hec-doctor::offline must be true or false, not '${INPUT_OFFLINE}'"; exit 2 ;;
esac

worst=0
ran=0
record() {  # keep the worst exit code: 2 (bad input) and 3 (incomplete) outrank 1 (failed)
  local code=$1
  ran=1
  if [ "$code" -gt "$worst" ]; then worst=$code; fi
}

if [ -n "${INPUT_DESTINATIONS:-}" ] || [ -n "${INPUT_FILE:-}" ]; then
  also
  check=(check "${common[@]}" "${also_args[@]}")
  if [ "$offline" = true ]; then check+=(--offline); fi
  if [ -n "${INPUT_FILE:-}" ]; then check+=(--file "$INPUT_FILE"); fi
  if [ -n "${INPUT_DESTINATIONS:-}" ]; then
    printf '%s\n' "$INPUT_DESTINATIONS" | "$hec_doctor" "${check[@]}" -
  else
    "$hec_doctor" "${check[@]}"
  fi
  record $?
fi

if [ -n "${INPUT_TERRAFORM_PLAN:-}" ]; then
  also
  plan=(terraform "$INPUT_TERRAFORM_PLAN" "${common[@]}" "${also_args[@]}")
  if [ "$offline" != true ]; then plan+=(--live); fi
  "$hec_doctor" "${plan[@]}"
  record $?
fi

if [ "$ran" = 0 ]; then
  echo "::error title=hec-doctor::give at least one of the inputs destinations, file or terraform-plan"
  exit 2
fi
# The step's outputs (action.yml), read from the JSON reports with the venv's own Python.
python=$(dirname "$hec_doctor")/python
[ -x "$python" ] || python=python3
"$python" - "$out_dir" "$sarif" "${reports[@]}" >> "${GITHUB_OUTPUT:-/dev/null}" <<'PY'
import json, os, sys

out_dir, sarif, paths = sys.argv[1], sys.argv[2] == "true", sys.argv[3:]
reports, problems, version = [], [], ""
for path in paths:
    if os.path.exists(path):
        document = json.load(open(path, encoding="utf-8"))
        reports += document.get("reports", [document]) if "schema" in document else []
        problems += document.get("problems", [])
        version = version or document.get("version", "")
rank = {"pass": 0, "warn": 1, "fail": 2, "error": 3}
counts = {key: sum(r.get("verdict") == key for r in reports) for key in rank}
verdict = max((r.get("verdict", "pass") for r in reports), key=rank.get, default="pass")
delivers = [r.get("logpush", {}).get("would_deliver") for r in reports]
would = ("false" if False in delivers else
         "true" if delivers and all(d is True for d in delivers) else "unknown")
merged = os.path.join(out_dir, "hec-doctor.json")
# The same envelope as one run's (hec_doctor/report.schema.json), over every run.
json.dump({"schema": "hec-doctor.batch/1", "version": version, "reports": reports,
           "verdict": verdict, "counts": counts, "problems": problems},
          open(merged, "w", encoding="utf-8"), indent=2)
print(f"verdict={verdict}")
print(f"counts={json.dumps(counts)}")
print(f"would-deliver={would}")
print(f"report={merged}")
if sarif:
    runs = []
    for path in paths:
        candidate = path[:-len(".json")] + ".sarif"
        if os.path.exists(candidate):
            runs += json.load(open(candidate, encoding="utf-8"))["runs"]
    merged_sarif = os.path.join(out_dir, "hec-doctor.sarif")
    json.dump({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
               "runs": runs}, open(merged_sarif, "w", encoding="utf-8"), indent=2)
    print(f"sarif={merged_sarif}")
PY
exit "$worst"
