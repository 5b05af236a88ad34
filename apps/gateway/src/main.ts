import 'reflect-metadata';
import { bootOrExit, loadConfig } from '@platekeeper/config';
import { createGatewayApp } from './gateway-app';

async function bootstrap() {
  const config = loadConfig();
  const app = await createGatewayApp(config);
  await app.listen(config.GATEWAY_PORT, config.SEARCH_HOST);
}

bootOrExit(bootstrap);
