// Studio entry: mounts the app and starts the controller.
import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import './studio.css';
import './host.css';
import { App } from './App';
import { initStudio } from './controller';
import { listenForLinks } from './open-link';

const sink = document.getElementById('audio-sink')!;
createRoot(document.getElementById('root')!).render(<App />);
void initStudio(sink).then(listenForLinks);
