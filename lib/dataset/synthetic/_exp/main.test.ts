import { it } from "vitest";
import { run } from "./main";
it("workers", async () => { await run(); });
