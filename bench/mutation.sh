#!/bin/sh
# Mutation testing of the engine modules with mutmut: do the tests really prove the engine right?
#
#   pip install -e '.[test,mutation]'      # mutmut 3 needs Python 3.10+
#   bench/mutation.sh                      # every engine module, one after the other
#   bench/mutation.sh vectors losses       # only these (names of purenn's modules)
#
# mutmut copies the project to mutants/, makes each mutant (one small change to one function) and
# runs the fast engine tests that cover that function ([tool.mutmut] in pyproject.toml), with the
# Hypothesis profile "mutation" (derandomized, 10 examples: tests/conftest.py). A mutant is killed
# when a test fails. It takes long (about an hour for all eight modules on one free core; more on
# a busy machine), so it is not part of every CI run. It runs niced, one mutant at a time.
# Then: `mutmut results` lists the survivors, `mutmut show NAME` shows one; docs/mutants.md says
# why each survivor that is left cannot change behaviour.
set -eu
cd "$(dirname "$0")/.."
HYPOTHESIS_PROFILE=mutation
export HYPOTHESIS_PROFILE
modules=${*:-"vectors activations losses network gradcheck batch kernels sample_loops"}
mkdir -p mutants
for module in $modules; do
    echo "== purenn/$module.py (log: mutants/$module.log)"
    nice -n 10 mutmut run --max-children 1 "purenn.$module.*" > "mutants/$module.log" 2>&1
    python bench/mutation_score.py "$module"
done
python bench/mutation_score.py
