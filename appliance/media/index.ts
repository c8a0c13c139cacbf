/**
 * Audio and fax files as the card link carries them: WAV (8 kHz G.711 µ-law / A-law or PCM16),
 * G.711 companding, generated signals, silence detection, TIFF fax documents. Pure wire-level
 * helpers with no call-center words: the card simulator and the appliance both use them.
 */
export { MediaError } from './errors.js';
export { alawToLinear, decodeG711, encodeG711, linearToAlaw, linearToMulaw, mulawToLinear } from './g711.js';
export { encodeWav, parseWav, readWavFile, writeWavFile, type AudioClip, type AudioEncoding } from './wav.js';
export { levelDbfs, speechLikeSignal, toneSignal } from './signals.js';
export { countTiffPages, encodeTiff, readTiffFile, writeTiffFile } from './tiff.js';
