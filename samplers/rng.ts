/**
 * The sampler's only source of randomness: seedrandom's xor4096 (Brent's xorgens, period
 * 2^4096 - 2^32) wrapped so that its whole state, including the spare normal deviate, can be
 * saved as JSON and restored. A run resumed from a saved state draws exactly the numbers the
 * uninterrupted run would have drawn.
 */
import seedrandom from 'seedrandom';

/** JSON-serialisable state of an {@link Rng}. Integers only, so JSON round-trips it exactly. */
export interface RngState {
  algorithm: 'xor4096';
  /** xorgens state: index `i`, Weyl counter `w`, 128-word array `X` (int32). */
  xor4096: { i: number; w: number; X: number[] };
  /** Bits of the cached second Box-Muller deviate (hi/lo uint32 words), or null when none is cached. */
  spare: [number, number] | null;
}

const TWO_PI = 2 * Math.PI;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * Seeded pseudo-random numbers for the sampler.
 *
 * Every draw is made in the main thread in an order fixed by the algorithm alone, never by when a
 * likelihood evaluation finishes; that is what makes serial, batched and worker-pool chains equal.
 */
export class Rng {
  private readonly prng: seedrandom.StatefulPRNG<seedrandom.State.Xor4096>;
  private spare = 0;
  private hasSpare = false;

  /**
   * @param seed - any integer or string; the same seed gives the same stream. Undefined draws
   *   a seed from Math.random (the run is then not reproducible unless its state is saved).
   * @param state - a state from {@link Rng.state}; when given, `seed` is ignored.
   */
  constructor(seed?: number | string, state?: RngState) {
    if (state) {
      this.prng = seedrandom.xor4096('', { state: { i: state.xor4096.i, w: state.xor4096.w, X: state.xor4096.X.slice() } });
      if (state.spare) {
        u32[0] = state.spare[0];
        u32[1] = state.spare[1];
        this.spare = f64[0];
        this.hasSpare = true;
      }
    } else {
      const s = seed === undefined ? String(Math.floor(Math.random() * 2 ** 52)) : String(seed);
      this.prng = seedrandom.xor4096(s, { state: true });
    }
  }

  /** Uniform deviate in the open interval (0, 1) with 53 random bits; never exactly 0. */
  uniform(): number {
    return this.prng.double();
  }

  /** Uniform integer in [0, n) for 1 <= n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.prng.double() * n);
  }

  /** Uniform integer in [0, n) other than `a` (0 <= a < n, n >= 2), with one draw. */
  intExcept(n: number, a: number): number {
    const b = this.int(n - 1);
    return b >= a ? b + 1 : b;
  }

  /** Standard normal deviate (Box-Muller; the second deviate of each pair is cached). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.prng.double()));
    const t = TWO_PI * this.prng.double();
    this.spare = r * Math.sin(t);
    this.hasSpare = true;
    return r * Math.cos(t);
  }

  /** Fisher-Yates shuffle of `a` in place (a.length - 1 draws). */
  shuffle(a: Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng.double() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The complete state, as plain JSON-safe data (a copy; later draws do not change it). */
  state(): RngState {
    const s = this.prng.state();
    let spare: [number, number] | null = null;
    if (this.hasSpare) {
      f64[0] = this.spare;
      spare = [u32[0], u32[1]];
    }
    return { algorithm: 'xor4096', xor4096: { i: s.i, w: s.w, X: Array.from(s.X) }, spare };
  }
}
