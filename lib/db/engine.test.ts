import { describe, expect, it } from "vitest";
import { engineOf, isLocalDatabase, pgConnectionFields, pgUrl, redactUrl, sqliteFilePath } from "./engine";

describe("engineOf", () => {
  it("tells SQLite from PostgreSQL urls", () => {
    expect(engineOf("file:./data/db.sqlite")).toBe("sqlite");
    expect(engineOf("postgres://u@h/db")).toBe("postgres");
    expect(engineOf("postgresql://u@h/db")).toBe("postgres");
  });

  it("rejects anything else without echoing the password", () => {
    expect(() => engineOf("mysql://u:secret@h/db")).toThrow(/Unsupported DATABASE_URL/);
    expect(() => engineOf("mysql://u:secret@h/db")).not.toThrow(/secret/);
  });
});

describe("sqliteFilePath", () => {
  it("accepts Prisma's and RFC forms and ignores a query string", () => {
    expect(sqliteFilePath("file:/tmp/a.db")).toBe("/tmp/a.db");
    expect(sqliteFilePath("file:///tmp/a.db")).toBe("/tmp/a.db");
    expect(sqliteFilePath("file:./data/db.sqlite?connection_limit=1")).toBe("./data/db.sqlite");
    expect(sqliteFilePath("file::memory:")).toBe(":memory:");
  });
});

describe("pgConnectionFields", () => {
  it("splits a url into the separate fields adapter-pg needs", () => {
    expect(pgConnectionFields("postgresql://app:p%40ss@db.example.com:6543/tp?schema=s1&sslmode=require")).toEqual({
      host: "db.example.com",
      port: 6543,
      user: "app",
      password: "p@ss",
      database: "tp",
      ssl: { rejectUnauthorized: false },
      schema: "s1",
    });
  });

  it("round-trips through pgUrl", () => {
    const fields = pgConnectionFields("postgresql://root@127.0.0.1:5432/test");
    expect(pgConnectionFields(pgUrl({ ...fields, database: "other" }))).toMatchObject({
      user: "root",
      database: "other",
      host: "127.0.0.1",
    });
  });
});

describe("isLocalDatabase / redactUrl", () => {
  it("knows local from remote hosts", () => {
    expect(isLocalDatabase("file:/tmp/x.db")).toBe(true);
    expect(isLocalDatabase("postgresql://u@127.0.0.1/db")).toBe(true);
    expect(isLocalDatabase("postgresql://u@localhost:5432/db")).toBe(true);
    expect(isLocalDatabase("postgresql://u@db.internal:5432/db")).toBe(false);
  });

  it("hides passwords", () => {
    expect(redactUrl("postgresql://u:secret@h:5432/db")).toBe("postgresql://u:***@h:5432/db");
  });
});
