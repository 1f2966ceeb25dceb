/**
 * A seccomp filter for the sandbox child, in the raw form bubblewrap's `--seccomp FD` loads
 * (an array of classic BPF `struct sock_filter`, 8 bytes each). Debian ships no tool that emits
 * this form (libseccomp has only C and Python bindings), and the program is short, so it is
 * written out here; build-sandbox-command.test.ts and the escape tests check what it does.
 *
 * It is a deny-list of the kernel interfaces a model never needs and a native exploit would
 * reach for: new namespaces (`unshare`, `setns`, `clone` with CLONE_NEW*: no way around the
 * mounts or back into another network), mounting, `ptrace` and other processes' memory, the key
 * ring, BPF, perf, userfaultfd, io_uring, kernel modules, kexec, reboot, swap, `open_by_handle_at`.
 * Refused calls fail with EPERM; `clone3` and io_uring fail with ENOSYS so glibc and libuv fall
 * back to `clone` and plain reads. Other architectures, and the x32 ABI, are refused outright:
 * the syscall numbers below are x86_64's.
 */

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const EPERM = 1;
const ENOSYS = 38;

/** What the filter answers (linux/seccomp.h SECCOMP_RET_*); Errno carries the errno in its low bits. */
const enum SeccompReturn {
  KillProcess = 0x80000000,
  Errno = 0x00050000,
  Allow = 0x7fff0000,
}

/** The classic BPF opcodes the program uses (linux/bpf_common.h: class | operation | source). */
const enum BpfOp {
  /** BPF_LD | BPF_W | BPF_ABS: load the 32-bit word at offset k of seccomp_data. */
  LoadWord = 0x20,
  /** BPF_JMP | BPF_JEQ | BPF_K */
  JumpIfEqual = 0x15,
  /** BPF_JMP | BPF_JGE | BPF_K */
  JumpIfAtLeast = 0x35,
  /** BPF_JMP | BPF_JSET | BPF_K: jump if any bit of k is set. */
  JumpIfAnyBit = 0x45,
  /** BPF_RET | BPF_K: return k. */
  Return = 0x06,
}

/** x86_64 numbers (asm/unistd_64.h) of the calls refused with EPERM. */
export const DENIED_SYSCALLS_X86_64: Record<string, number> = {
  ptrace: 101,
  syslog: 103,
  pivot_root: 155,
  chroot: 161,
  acct: 163,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  init_module: 175,
  delete_module: 176,
  quotactl: 179,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  perf_event_open: 298,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  mount_setattr: 442,
};
/** Refused with ENOSYS, so callers fall back to older calls the filter can inspect or allow. */
export const UNAVAILABLE_SYSCALLS_X86_64: Record<string, number> = {
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  clone3: 435,
};
const CLONE_X86_64 = 56;
/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
export const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

interface Instruction {
  code: BpfOp;
  k: number;
  /** Labels (or 0 = next instruction) for conditional jumps. */
  jt?: string;
  jf?: string;
  label?: string;
}

/** The filter for this machine, or undefined where it is not written (not x86_64). */
export function seccompProgram(arch: string = process.arch): Buffer | undefined {
  if (arch !== "x64") return undefined;
  const p: Instruction[] = [
    // seccomp_data: int nr at 0, u32 arch at 4, u64 args[6] from 16 (low half first on x86_64).
    { code: BpfOp.LoadWord, k: 4 },
    { code: BpfOp.JumpIfEqual, k: AUDIT_ARCH_X86_64, jf: "kill" },
    { code: BpfOp.LoadWord, k: 0 },
    { code: BpfOp.JumpIfAtLeast, k: X32_SYSCALL_BIT, jt: "eperm" },
    { code: BpfOp.JumpIfEqual, k: CLONE_X86_64, jt: "clone" },
    ...Object.values(DENIED_SYSCALLS_X86_64).map((nr): Instruction => ({ code: BpfOp.JumpIfEqual, k: nr, jt: "eperm" })),
    ...Object.values(UNAVAILABLE_SYSCALLS_X86_64).map((nr): Instruction => ({ code: BpfOp.JumpIfEqual, k: nr, jt: "enosys" })),
    { code: BpfOp.Return, k: SeccompReturn.Allow },
    { label: "clone", code: BpfOp.LoadWord, k: 16 },
    { code: BpfOp.JumpIfAnyBit, k: CLONE_NAMESPACE_FLAGS, jt: "eperm" },
    { code: BpfOp.Return, k: SeccompReturn.Allow },
    { label: "eperm", code: BpfOp.Return, k: SeccompReturn.Errno | EPERM },
    { label: "enosys", code: BpfOp.Return, k: SeccompReturn.Errno | ENOSYS },
    { label: "kill", code: BpfOp.Return, k: SeccompReturn.KillProcess },
  ];
  const at = new Map(p.flatMap((ins, i) => (ins.label ? [[ins.label, i] as const] : [])));
  const offset = (from: number, label?: string) => {
    if (!label) return 0;
    const d = at.get(label)! - from - 1;
    if (d < 0 || d > 255) throw new Error(`seccomp jump to ${label} out of range`);
    return d;
  };
  const out = Buffer.alloc(p.length * 8);
  p.forEach((ins, i) => {
    out.writeUInt16LE(ins.code, i * 8);
    out.writeUInt8(offset(i, ins.jt), i * 8 + 2);
    out.writeUInt8(offset(i, ins.jf), i * 8 + 3);
    out.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return out;
}
