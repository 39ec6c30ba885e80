import { describe, expect, it } from 'vitest';
import { connectEngine } from './engine.ts';
import { ensureHostRootImage, hostRootBinds, HOSTROOT_IMAGE, IMAGE_LABEL, ImageError, resolveHostImage } from './images.ts';

describe('hostroot binds', () => {
  it('mount the host runtime and the project read-only, skipping what the host lacks', () => {
    const binds = hostRootBinds('/src/fulcrum', (p) => p !== '/lib64');
    expect(binds).toEqual([
      { source: '/usr', target: '/usr', mode: 'ro' },
      { source: '/lib', target: '/lib', mode: 'ro' },
      { source: '/bin', target: '/bin', mode: 'ro' },
      { source: '/sbin', target: '/sbin', mode: 'ro' },
      { source: '/etc', target: '/etc', mode: 'ro' },
      { source: '/src/fulcrum', target: '/src/fulcrum', mode: 'ro' },
    ]);
  });
});

describe('images on the engine', () => {
  it('builds the hostroot image once and reuses it by its label', async () => {
    const client = await connectEngine();
    await ensureHostRootImage(client);
    const before = await client.container.dockerode.getImage(HOSTROOT_IMAGE).inspect();
    expect(before.Config.Labels?.[IMAGE_LABEL]).toBe('hostroot');
    expect(before.Size).toBe(0); // an empty root: nothing downloaded, nothing copied

    const started = Date.now();
    const again = await ensureHostRootImage(client);
    expect(again).toEqual({ name: HOSTROOT_IMAGE, built: false });
    expect(Date.now() - started).toBeLessThan(5000);
    const after = await client.container.dockerode.getImage(HOSTROOT_IMAGE).inspect();
    expect(after.Id).toBe(before.Id);
  });

  it('picks hostroot for a local engine and says so', async () => {
    const image = await resolveHostImage(await connectEngine(), {});
    expect(image.kind).toBe('hostroot');
    expect(image.describe).toMatch(/^image fulcrum\/hostroot:1 \(empty root \+ host runtime mounted read-only, (built now|reused)\)$/);
    expect(image.binds.every((b) => b.mode === 'ro')).toBe(true);
    expect(image.binds.map((b) => b.target)).toContain(image.projectDir);
  });

  it('a FULCRUM_IMAGE the engine lacks is an error that says how to build it', async () => {
    const client = await connectEngine();
    await expect(resolveHostImage(client, { FULCRUM_IMAGE: 'fulcrum/not-built:0' })).rejects.toThrow(ImageError);
    await expect(resolveHostImage(client, { FULCRUM_IMAGE: 'fulcrum/not-built:0' })).rejects.toThrow(/docker build -f docker\/Dockerfile -t fulcrum\/not-built:0 \./);
  });
});
