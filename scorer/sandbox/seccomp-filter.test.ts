import { describe, expect, it } from "vitest";
import { CLONE_NAMESPACE_FLAGS, DENIED_SYSCALLS_X86_64, seccompProgram, UNAVAILABLE_SYSCALLS_X86_64 } from "./seccomp-filter";

/** Runs a classic BPF seccomp program on one syscall, as the kernel would (the opcodes it uses). */
function run(program: Buffer, call: { nr: number; arch?: number; arg0?: number }): number {
  const data = Buffer.alloc(64);
  data.writeInt32LE(call.nr, 0);
  data.writeUInt32LE(call.arch ?? 0xc000003e, 4);
  data.writeUInt32LE((call.arg0 ?? 0) >>> 0, 16);
  let acc = 0;
  for (let pc = 0; pc < program.length / 8; pc++) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = data.readUInt32LE(k);
    else if (code === 0x06) return k;
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x45) pc += (acc & k) !== 0 ? jt : jf;
    else throw new Error(`unexpected opcode ${code}`);
  }
  throw new Error("fell off the end of the program");
}

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;
const KILL = 0x80000000;

describe("seccompProgram", () => {
  const program = seccompProgram("x64")!;

  it("allows ordinary calls and threads, refuses the listed ones", () => {
    for (const nr of [0, 1, 2, 9, 60, 231, 302 /* prlimit64 */, 105 /* setuid */]) expect(run(program, { nr })).toBe(ALLOW);
    for (const nr of Object.values(DENIED_SYSCALLS_X86_64)) expect(run(program, { nr })).toBe(EPERM);
    for (const nr of Object.values(UNAVAILABLE_SYSCALLS_X86_64)) expect(run(program, { nr })).toBe(ENOSYS);
  });

  it("allows clone for threads and processes, not into new namespaces", () => {
    const THREAD = 0x003d0f00; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
    expect(run(program, { nr: 56, arg0: THREAD })).toBe(ALLOW);
    expect(run(program, { nr: 56, arg0: 0x11 /* SIGCHLD: fork */ })).toBe(ALLOW);
    for (const flag of [0x10000000, 0x00020000, 0x40000000, 0x20000000]) expect(run(program, { nr: 56, arg0: 0x11 | flag })).toBe(EPERM);
    expect(CLONE_NAMESPACE_FLAGS & THREAD).toBe(0);
  });

  it("kills on another architecture and refuses the x32 ABI", () => {
    expect(run(program, { nr: 0, arch: 0x40000003 /* i386 */ })).toBe(KILL);
    expect(run(program, { nr: 0x40000000 + 272 })).toBe(EPERM);
  });

  it("exists only where its syscall numbers are right", () => {
    expect(seccompProgram("arm64")).toBeUndefined();
  });
});
