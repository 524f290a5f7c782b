#!/usr/bin/env bash
# The GitHub Action's step (action.yml): run hec-doctor on what the inputs name and exit with
# its worst exit code. The github format writes annotations to the log and, through
# GITHUB_STEP_SUMMARY, a Markdown summary for the run's page. Inputs arrive as INPUT_*.
set -uo pipefail

hec_doctor=${HEC_DOCTOR:-hec-doctor}
format=${INPUT_FORMAT:-github}
common=(--format "$format")
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
  check=(check "${common[@]}")
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
  plan=(terraform "$INPUT_TERRAFORM_PLAN" "${common[@]}")
  if [ "$offline" != true ]; then plan+=(--live); fi
  "$hec_doctor" "${plan[@]}"
  record $?
fi

if [ "$ran" = 0 ]; then
  echo "::error title=hec-doctor::give at least one of the inputs destinations, file or terraform-plan"
  exit 2
fi
exit "$worst"
