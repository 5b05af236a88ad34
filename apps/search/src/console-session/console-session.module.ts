import { Module } from '@nestjs/common';
import { ConsoleSessionController } from './console-session.controller';

/** Sign-in for the console (docs/console.md); the console's files are served by `serveConsole`. */
@Module({ controllers: [ConsoleSessionController] })
export class ConsoleSessionModule {}
