#!/bin/sh
# gen-schema.sh N - a schema.prisma with N models (relations, enums,
# indexes, native types) for benchmarks, on stdout.
n=${1:-5000}
awk -v n="$n" 'BEGIN {
	print "datasource db {\n  provider = \"postgresql\"\n}\n"
	print "generator client {\n  provider = \"prisma-client-js\"\n}\n"
	print "enum Status {\n  ACTIVE\n  ARCHIVED\n  DELETED\n}\n"
	for (i = 1; i <= n; i++) {
		printf "model M%d {\n", i
		printf "  id        Int      @id @default(autoincrement())\n"
		printf "  name      String   @db.VarChar(120)\n"
		printf "  slug      String   @unique\n"
		printf "  status    Status   @default(ACTIVE)\n"
		printf "  amount    Decimal? @db.Decimal(12, 2)\n"
		printf "  data      Json?\n"
		printf "  createdAt DateTime @default(now())\n"
		printf "  updatedAt DateTime @updatedAt\n"
		if (i > 1) {
			printf "  parentId  Int?\n"
			printf "  parent    M%d?     @relation(\"P%d\", fields: [parentId], references: [id], onDelete: Cascade)\n", i - 1, i
		}
		if (i < n)
			printf "  children  M%d[]    @relation(\"P%d\")\n", i + 1, i + 1
		printf "\n  @@index([name, createdAt])\n"
		printf "}\n\n"
	}
}'
