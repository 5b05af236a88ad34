import 'reflect-metadata';
import { bootOrExit, loadConfig } from '@platekeeper/config';
import { createSearchApp } from './search-app';

async function bootstrap() {
  const config = loadConfig();
  const app = await createSearchApp(config);
  await app.listen(config.SEARCH_PORT, config.SEARCH_HOST);
}

bootOrExit(bootstrap);
