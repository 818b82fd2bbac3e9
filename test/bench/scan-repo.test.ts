/** The repository-scan benchmark still runs and reports its figures (a 2 MiB smoke run; no timing is judged). */
import { scanRepoBench } from '../../bench/scan-repo';

describe('bench/scan-repo (smoke)', () => {
  it('reports objects/s, MB/s, peak RSS and the ratio to the JSON.parse floor', () => {
    const figures: Record<string, number | string | null> = {};
    const notes = scanRepoBench(true, figures, () => undefined, 1);
    expect(notes).toEqual([]);
    for (const key of [
      'scanRepo.objects',
      'scanRepo.objectsPerSec',
      'scanRepo.mbPerSec',
      'scanRepo.peakRssMiB',
      'scanRepo.floorMs',
      'scanRepo.ratioToFloor',
      'scanRepo.insecureObjectsShare',
      'scanRepo.floorCpuMs',
      'scanRepo.loadCpuMs',
      'scanRepo.cpuRatioToFloor',
    ])
      expect(typeof figures[key]).toBe('number');
    expect(figures['scanRepo.objects']).toBeGreaterThan(1000);
  }, 300_000);
});
