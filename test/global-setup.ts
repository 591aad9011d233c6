/**
 * Suite-wide check that no test leaves a process behind (a failed CLI test once left
 * `golive listen` running for good). Setup marks the run: GOLIVE_TEST_RUN in the environment is
 * inherited by vitest's workers and by everything they spawn, and stays readable in
 * /proc/<pid>/environ even after a process is orphaned and adopted by init. Teardown, after the
 * last test, looks for marked processes other than vitest itself and its workers; any found is
 * named on stderr, killed, and fails the run (exit code 1). Linux only (/proc); elsewhere the
 * check says it did not run.
 */
import { readFileSync, readdirSync } from 'node:fs';

const KEY = 'GOLIVE_TEST_RUN';

interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
}

function readProc(pid: number): (Proc & { environ: string }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: read after the last ')'.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (after[0] === 'Z') return undefined; // a zombie is already gone, only not yet reaped
    return {
      pid,
      ppid: Number(after[1]),
      cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim(),
      environ: readFileSync(`/proc/${pid}/environ`, 'utf8'),
    };
  } catch {
    return undefined; // exited meanwhile, or not ours to read
  }
}

/** Processes of this run still alive: marked, or descended from this process; not workers. */
function leftovers(mark: string): Proc[] {
  const all = new Map<number, Proc & { environ: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) all.set(p.pid, p);
  }
  const descends = (p: Proc): boolean => {
    for (let q: Proc | undefined = p, hops = 0; q && hops < 64; hops++) {
      if (q.ppid === process.pid) return true;
      q = all.get(q.ppid);
    }
    return false;
  };
  const out: Proc[] = [];
  for (const p of all.values()) {
    if (p.pid === process.pid) continue;
    const marked = p.environ.split('\0').includes(`${KEY}=${mark}`);
    if (!marked && !descends(p)) continue;
    // vitest's own processes (its workers, a bundler service) are children of this one.
    if (p.ppid === process.pid && /vitest|esbuild/.test(p.cmdline)) continue;
    out.push({ pid: p.pid, ppid: p.ppid, cmdline: p.cmdline });
  }
  return out;
}

export default function setup(): () => Promise<void> {
  const mark = `${process.pid}-${Date.now()}`;
  process.env[KEY] = mark;
  return async () => {
    if (process.platform !== 'linux') {
      process.stderr.write('leftover-process check skipped: it reads /proc (Linux only)\n');
      return;
    }
    // A child killed by the last test's cleanup may need a moment to be gone.
    let left = leftovers(mark);
    for (let i = 0; i < 30 && left.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = leftovers(mark);
    }
    if (!left.length) return;
    process.stderr.write(
      `\nLEFTOVER PROCESSES: ${left.length} process(es) started by the tests still ran after the last test (a test that spawns must stop its children in afterEach/finally or onTestFinished):\n`,
    );
    for (const p of left) {
      process.stderr.write(`  pid ${p.pid} (parent ${p.ppid}): ${p.cmdline.slice(0, 300)}\n`);
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exitCode = 1;
  };
}
