// Runs before every test file (jest's setupFilesAfterEnv, configured in .projenrc.ts).
import { recordFootprint } from './footprint';

recordFootprint();
