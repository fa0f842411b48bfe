/** Every word of the pages people reach from an email, in this locale. */
import type { Catalogue } from '../types';
import actions from './actions';
import preferences from './preferences';
import waiting from './waiting';

const catalogue: Catalogue = { actions, preferences, waiting };
export default catalogue;
