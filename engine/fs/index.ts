export { removeStaleTempFiles, tempPathFor, writeFileAtomic, WriteError, type WriteOptions } from './atomicWrite';
export { isWithin, resolvesWithin } from './confine';
export { describeFsError } from './errors';
export { editFile, withFileLock } from './fileLock';
export { readRegularFile, SpecialFileError } from './readFile';
export { byteOccurrences, decodeText, type DecodedText } from './text';
export { walkConfined, type WalkEntry } from './walk';
