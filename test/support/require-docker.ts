// Vitest global setup. Locally, tests that need Docker skip with a message saying how to enable
// them. CI sets SHOAL_REQUIRE_DOCKER=1: there a missing engine, docker-compose or test image is
// a broken CI machine, and the run fails here, before any test, instead of skipping quietly.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

function works(cmd: string, args: readonly string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

export default function requireDocker(): void {
  if (process.env.SHOAL_REQUIRE_DOCKER !== '1') return;
  const missing: string[] = [];
  if (!works(DOCKER, ['version', '--format', '{{.Server.APIVersion}}'])) missing.push(`a Docker engine answering ${DOCKER}`);
  else if (!works(DOCKER, ['image', 'inspect', 'busybox:local'])) missing.push('the busybox:local image (scripts/docker/make-busybox-image.sh)');
  if (!works('docker-compose', ['version', '--short'])) missing.push('docker-compose on PATH');
  if (missing.length > 0) {
    throw new Error(`SHOAL_REQUIRE_DOCKER=1 but this machine lacks ${missing.join(', ')}: .ci/run installs and starts them`);
  }
}
