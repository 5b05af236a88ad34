import { loadConfig } from '@platekeeper/config';
import { readsIndexLayout, readsIndexTemplate } from './reads-index';

describe('readsIndexTemplate', () => {
  it('lays out monthly read indices with the configured shards, replicas and refresh interval', () => {
    const layout = readsIndexLayout(loadConfig({ READS_INDEX_SHARDS: '4', READS_INDEX_REPLICAS: '1', READS_INDEX_REFRESH_INTERVAL: '5s' }));
    expect(readsIndexTemplate('alpr-reads', layout).template.settings).toEqual({ number_of_shards: 4, number_of_replicas: 1, refresh_interval: '5s' });
  });

  it('keeps one shard, no replica and a one-second refresh when nothing is configured', () => {
    expect(readsIndexTemplate('alpr-reads', readsIndexLayout(loadConfig({}))).template.settings).toEqual({ number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' });
    expect(readsIndexLayout(loadConfig({}))).toEqual({ shards: 1, replicas: 0, refreshInterval: '1s' });
  });
});
