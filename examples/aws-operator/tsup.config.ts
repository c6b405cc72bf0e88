import { operatorBuild } from '../../tsup.operator.js';

export default operatorBuild();
