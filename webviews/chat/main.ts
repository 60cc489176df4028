import '../shared/zodJitless';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import './chatApp';

// The bundle's entry: registers the elements, then mounts the root element.
document.body.append(document.createElement('plumbline-chat'));
