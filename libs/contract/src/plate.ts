/** Upper case, every character outside A–Z and 0–9 removed (CONTRACT §2). */
export function normalisePlate(plate: string): string {
  return plate.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const OCR_LOOK_ALIKES: Record<string, string> = {
  O: '0', Q: '0', D: '0',
  I: '1', L: '1',
  Z: '2',
  S: '5',
  G: '6',
  B: '8',
};

/** Folds characters OCR confuses onto one representative, so look-alike plates compare equal. */
export function foldPlateLookAlikes(normalisedPlate: string): string {
  return normalisedPlate.replace(/[OQDILZSGB]/g, (character) => OCR_LOOK_ALIKES[character]);
}
