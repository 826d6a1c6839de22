# The two commands: `make demo` (the main job on embedded SQLite) and `make test` (every check and test).
.PHONY: demo test venv bench

venv:
	bash scripts/ensure-venv.sh

demo: venv
	.venv/bin/adwarden demo run

test:
	bash scripts/test.sh

bench: venv
	bash scripts/bench.sh
