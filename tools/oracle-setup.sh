#!/bin/sh
# oracle-setup.sh - install the Prisma oracle (../shared/prisma-oracle, the
# real Prisma 7.10 CLI from npm) when it is beside the repository and npm is
# available, so that the interchange tests can run against real Prisma.
# Never fatal: without it those tests skip with a message.
O=${STRATA_ORACLE:-$(cd "$(dirname "$0")/.." && pwd)/../shared/prisma-oracle}
[ -x "$O/setup.sh" ] || [ -f "$O/setup.sh" ] || exit 0
command -v npm >/dev/null 2>&1 || { echo "strata: npm not found; Prisma interchange tests will be skipped"; exit 0; }
bash "$O/setup.sh" >/dev/null 2>&1 || echo "strata: could not install the Prisma oracle; Prisma interchange tests will be skipped"
exit 0
