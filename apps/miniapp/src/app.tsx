import type { PropsWithChildren } from 'react';
import { AppProvider } from './store';
import './app.scss';

function App({ children }: PropsWithChildren) {
  return <AppProvider>{children}</AppProvider>;
}

export default App;
