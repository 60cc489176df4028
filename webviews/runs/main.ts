import '../shared/zodJitless';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import './missionControlApp';

// The bundle's entry: registers the elements, then mounts the root element.
document.body.append(document.createElement('plumbline-mission-control'));
