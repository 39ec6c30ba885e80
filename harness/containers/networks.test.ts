import { describe, expect, it } from 'vitest';
import { connectEngine } from '../../docker/index.ts';
import { formatSubnet } from './addressing.ts';
import { removeRun } from './cleanup.ts';
import { LABEL_RUN, newRunId, runLabels } from './labels.ts';
import { createNetwork, NetworkCreateError } from './networks.ts';

describe('networks', { timeout: 120_000 }, () => {
  it('are internal, labelled, and move on to another /24 when one is taken', async () => {
    const client = await connectEngine();
    const runId = newRunId();
    const labels = runLabels(runId, 'networks-test');
    try {
      // Take a random /24, then ask for the same one first: the second network must land elsewhere.
      const index = 100 + Math.floor(Math.random() * 100);
      const first = await createNetwork(client, { name: `fulcrum-${runId}-a`, labels, random: () => index / 256 });
      expect(formatSubnet(first.subnet)).toBe(`198.19.${index}.0/24`);
      const draws = [index / 256, ((index + 1) % 256) / 256, ((index + 2) % 256) / 256];
      const second = await createNetwork(client, { name: `fulcrum-${runId}-b`, labels, random: () => draws.shift() ?? Math.random() });
      expect(second.subnet.base).not.toBe(first.subnet.base);

      const info = await client.container.dockerode.getNetwork(second.id).inspect();
      expect(info.Internal).toBe(true);
      expect(info.Labels?.[LABEL_RUN]).toBe(runId);

      // A subnet the user fixed is not silently replaced: the error names it.
      const taken = formatSubnet(first.subnet);
      await expect(createNetwork(client, { name: `fulcrum-${runId}-c`, subnet: taken, labels })).rejects.toThrow(NetworkCreateError);
      await expect(createNetwork(client, { name: `fulcrum-${runId}-d`, subnet: taken, labels })).rejects.toThrow(new RegExp(`on ${taken.replace(/\./g, '\\.')}`));
    } finally {
      await removeRun(client, runId);
    }
  });
});
