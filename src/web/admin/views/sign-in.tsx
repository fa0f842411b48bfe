/** @jsxRuntime automatic @jsxImportSource preact */
/** The sign-in page of `/admin` (outside the signed-in frame), and the brand line it shares with the error pages. */
import { BarePage, renderAdmin } from './layout';

/** "dn docnotify admin" above the sign-in form and the error pages. */
export const Brand = () => (
  <p class="brand">
    <span class="brand-mark" aria-hidden="true">
      dn
    </span>{' '}
    docnotify <span class="brand-sub">admin</span>
  </p>
);

export interface SignInProps {
  /** The form's login-CSRF token (of the pre-session nonce). */
  token?: string;
  /** Where to go after signing in. */
  next: string;
  error?: string;
  /** The user name typed before (kept after a failure). */
  user?: string;
  /** Can anyone sign in? Else the page says how to set it up. */
  configured: boolean;
}

function NotConfigured() {
  return (
    <div class="signin">
      <Brand />
      <h1>Sign-in is not configured</h1>
      <p>
        Set <code>ADMIN_CREDENTIALS</code> to <code>user:password</code> (a password of at least 8 characters) and
        restart the server.
      </p>
    </div>
  );
}

function SignInForm({ token, next, error, user }: SignInProps) {
  return (
    <form class="signin" method="post" action="/admin/sign-in" novalidate>
      <Brand />
      <h1>Sign in</h1>
      <p class="muted">Notification rules, templates, directory and logs.</p>
      {error ? (
        <div class="flash flash-error" role="alert" id="signin-error">
          {error}
        </div>
      ) : null}
      <input type="hidden" name="_csrf" value={token ?? ''} />
      <input type="hidden" name="next" value={next} />
      <div class="field">
        <label for="user">User</label>
        <input
          id="user"
          name="user"
          autocomplete="username"
          value={user ?? ''}
          required
          autofocus
          spellcheck={false}
          aria-describedby={error ? 'signin-error' : undefined}
        />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
      </div>
      <button class="btn btn-primary" type="submit">
        Sign in
      </button>
    </form>
  );
}

/** The sign-in form, or (`configured` false) how to configure sign-in. */
export function SignInPage(props: SignInProps) {
  return <BarePage title="Sign in">{props.configured ? <SignInForm {...props} /> : <NotConfigured />}</BarePage>;
}

/** The sign-in page as the answer's body. */
export const renderSignInPage = (props: SignInProps): string => renderAdmin(<SignInPage {...props} />);
