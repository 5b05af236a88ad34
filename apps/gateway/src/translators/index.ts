import { CameraFormat } from '@platekeeper/persistence';
import { translateBlueIris } from './blueiris';
import { translateFrigate } from './frigate';
import { translateOpenAlpr } from './openalpr';
import { translatePlatekeeper } from './platekeeper';
import { translatePlateRecognizer } from './platerecognizer';
import { Translator } from './vendor-read';
import { translateVerkada } from './verkada';

export * from './vendor-read';

export const TRANSLATORS: Record<CameraFormat, Translator> = {
  platekeeper: translatePlatekeeper,
  openalpr: translateOpenAlpr,
  platerecognizer: translatePlateRecognizer,
  frigate: translateFrigate,
  verkada: translateVerkada,
  blueiris: translateBlueIris,
};
