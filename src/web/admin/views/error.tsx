/** @jsxRuntime automatic @jsxImportSource preact */
/** The admin page's error pages: a refused or failed request (outside the signed-in frame), and an unknown page. */
import type { AdminCtx } from '../context';
import { AdminPage, BarePage, renderAdmin } from './layout';
import { Brand } from './sign-in';

/** An error outside the signed-in frame (before sign-in, a refused form, a failed request). */
export function ErrorPage({ title, text }: { title: string; text: string }) {
  return (
    <BarePage title={title}>
      <div class="signin">
        <Brand />
        <h1>{title}</h1>
        <p>{text}</p>
        <p>
          <a href="/admin">Go to the admin page</a>
        </p>
      </div>
    </BarePage>
  );
}

/** A signed-in request for an admin page that does not exist. */
export function NotFoundPage({ ctx, path }: { ctx: AdminCtx; path: string }) {
  return (
    <AdminPage ctx={ctx} title="Page not found">
      <p>
        There is no admin page at <code>{path}</code>.
      </p>
      <p>
        <a href="/admin/rules">Go to the rules</a>
      </p>
    </AdminPage>
  );
}

/** The error page as the answer's body. */
export const renderErrorPage = (title: string, text: string): string =>
  renderAdmin(<ErrorPage title={title} text={text} />);

/** The unknown-page page as the answer's body. */
export const renderNotFoundPage = (ctx: AdminCtx, path: string): string =>
  renderAdmin(<NotFoundPage ctx={ctx} path={path} />);
