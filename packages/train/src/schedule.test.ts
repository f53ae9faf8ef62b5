import { describe, expect, it } from 'vitest';
import { constantLr, cosineLr, createSchedule, multiStepLr, type ScheduleConfig, warmupFactorAt, withWarmup } from './schedule';
import { expectClose, reference } from './test-helpers.test-helper';

const ref = reference();

describe('lr schedules (torch LambdaLR / MultiStepLR / CosineAnnealingLR / ChainedScheduler parity)', () => {
  for (const s of ref.schedules as { name: string; base: number; config: ScheduleConfig; lrs: number[] }[]) {
    it(s.name, () => {
      const schedule = createSchedule(s.base, s.config);
      const got = s.lrs.map((_, step) => schedule(step));
      expectClose(got, s.lrs, 1e-9, s.name);
    });
  }

  it('the training-loop fixture schedule', () => {
    const { optimizer, schedule, lrs } = ref.loop;
    const f = createSchedule(optimizer.lr, schedule);
    expectClose(
      lrs.map((_: number, i: number) => f(i)),
      lrs,
      1e-12,
    );
  });

  it('warmup factor and plain schedules', () => {
    expect(warmupFactorAt(0, { warmupSteps: 10, warmupFactor: 0.1 })).toBeCloseTo(0.1, 12);
    expect(warmupFactorAt(5, { warmupSteps: 10, warmupFactor: 0.1 })).toBeCloseTo(0.55, 12);
    expect(warmupFactorAt(10, { warmupSteps: 10, warmupFactor: 0.1 })).toBe(1);
    expect(warmupFactorAt(3)).toBe(1);
    expect(constantLr(0.5)(1234)).toBe(0.5);
    expect(multiStepLr(1, { milestones: [2, 4] })(4)).toBeCloseTo(0.01, 12);
    expect(cosineLr(1, { totalSteps: 10, minLr: 0.1 })(10)).toBe(0.1);
    expect(cosineLr(1, { totalSteps: 10, minLr: 0.1 })(50)).toBe(0.1);
    expect(withWarmup((s) => s, { warmupSteps: 2, warmupFactor: 0 })(1)).toBe(0.5);
  });

  it('rejects bad configs', () => {
    expect(() => multiStepLr(0.1, { milestones: [5, 3] })).toThrow(/ascending/);
    expect(() => cosineLr(0.1, { totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => constantLr(0.1, { warmupSteps: 1.5 })).toThrow(/warmupSteps/);
    expect(() => createSchedule(0.1, { kind: 'poly' } as unknown as ScheduleConfig)).toThrow(/unknown schedule/);
  });
});
