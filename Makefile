# The local mesh and the checks, one target each. `make up` = npx clarity up.
.PHONY: setup build up demo down status health test proto proto-lint proto-breaking tools
setup:
	npm run setup
build:
	npx tsc -b
up: build
	npx clarity up
demo: build
	npx clarity up --demo
down:
	npx clarity down
status:
	npx clarity status
health:
	npx clarity health
test:
	npm test
proto:
	bash proto/generate.sh
proto-lint:
	npx buf lint proto
proto-breaking:
	bash proto/breaking.sh
tools:
	bash deploy/tools/install.sh
