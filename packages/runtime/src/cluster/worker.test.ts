import { describe, expect, it } from 'vitest';
import { modelThreadOptions } from './worker.js';

describe('model job worker threads', () => {
  it('take the process\'s V8 heap flags as resource limits, since worker threads refuse them as flags', () => {
    expect(modelThreadOptions(['--max-semi-space-size=64', '--enable-source-maps', '--max-old-space-size', '4096'])).toEqual({
      execArgv: ['--enable-source-maps'],
      resourceLimits: { maxYoungGenerationSizeMb: 192, maxOldGenerationSizeMb: 4096 },
    });
    expect(modelThreadOptions([])).toEqual({ execArgv: [], resourceLimits: {} });
    expect(modelThreadOptions(['--max_old_space_size=512', '--inspect'])).toEqual({ execArgv: ['--inspect'], resourceLimits: { maxOldGenerationSizeMb: 512 } });
  });
});
