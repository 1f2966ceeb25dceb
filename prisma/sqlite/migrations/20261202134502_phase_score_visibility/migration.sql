-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Phase" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "dailyLimit" INTEGER NOT NULL,
    "maxFinal" INTEGER NOT NULL DEFAULT 2,
    "privateRevealed" BOOLEAN NOT NULL DEFAULT false,
    "scoreVisibility" TEXT NOT NULL DEFAULT 'rounded',
    "ladderStep" REAL NOT NULL DEFAULT 0.0001,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Phase" ("createdAt", "dailyLimit", "endsAt", "id", "maxFinal", "name", "privateRevealed", "startsAt", "updatedAt") SELECT "createdAt", "dailyLimit", "endsAt", "id", "maxFinal", "name", "privateRevealed", "startsAt", "updatedAt" FROM "Phase";
DROP TABLE "Phase";
ALTER TABLE "new_Phase" RENAME TO "Phase";
CREATE INDEX "Phase_startsAt_idx" ON "Phase"("startsAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
