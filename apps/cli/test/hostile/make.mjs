// Writes the hostile set's committed fixtures (fixtures/): `node make.mjs`. The larger
// inputs are made by the cases themselves when they run (cases.mjs).
import { writeFixtures } from './cases.mjs';

writeFixtures();
