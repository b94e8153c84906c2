using System.Collections.Concurrent;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace Kamus.KeyManagement.Pkcs11;

/// <summary>
/// A small pool of logged-in read-only sessions. A PKCS#11 session serves one thread at a time, and opening one costs
/// module calls, so sessions are opened on demand up to a bound and then reused; a session that failed is closed.
/// A caller waits for a free session asynchronously, at most <see cref="Pkcs11Options.SessionWaitTimeout"/>.
/// </summary>
internal sealed class Pkcs11SessionPool : IDisposable
{
    private readonly Pkcs11Token _token;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly TimeSpan _waitTimeout;
    private readonly TimeProvider _time;
    private readonly Lock _anchorGate = new();
    private ISession _anchor;
    private int _disposed;

    /// <summary>Creates the pool and opens its anchor session.</summary>
    public Pkcs11SessionPool(Pkcs11Token token, int maxSessions, TimeSpan? waitTimeout = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        _token = token;
        _slots = new SemaphoreSlim(maxSessions, maxSessions);
        _waitTimeout = waitTimeout ?? Pkcs11Options.DefaultSessionWaitTimeout;
        _time = time ?? TimeProvider.System;

        // The login (and, in SoftHSM, the handles of private objects) lasts only while a session is open: the anchor is
        // never used or closed before the pool, so closing a failed worker session cannot log the token out.
        _anchor = token.OpenSession(readWrite: false);
    }

    /// <summary>Runs <paramref name="operation"/> on a session of its own, blocking while waiting for one (startup only).</summary>
    /// <exception cref="MasterKeyUnavailableException">No session became free in time.</exception>
    public T Run<T>(Func<ISession, T> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_slots.Wait(_waitTimeout))
        {
            throw NoSession();
        }

        return RunHoldingSlot(operation);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on a session of its own, waiting asynchronously for one. A
    /// <see cref="CryptographicException"/> returns the session to the pool; any other failure closes it.
    /// </summary>
    /// <exception cref="MasterKeyUnavailableException">No session became free within the wait timeout.</exception>
    public async ValueTask<T> RunAsync<T>(Func<ISession, T> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var timeout = new CancellationTokenSource(_waitTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw NoSession();
        }

        return RunHoldingSlot(operation);
    }

    /// <summary>
    /// After the module dropped the sessions (token reset, sessions closed, logged out): closes the idle ones and opens a
    /// new anchor, so the next operation logs in again on a fresh session.
    /// </summary>
    public void Reset()
    {
        while (_idle.TryTake(out var session))
        {
            Close(session);
        }

        lock (_anchorGate)
        {
            var fresh = _token.OpenSession(readWrite: false);
            Close(_anchor);
            _anchor = fresh;
        }
    }

    private MasterKeyUnavailableException NoSession() =>
        new($"no PKCS#11 session became free within {_waitTimeout} (KeyManagement:Pkcs11:MaxSessions, SessionWaitTimeout)");

    private T RunHoldingSlot<T>(Func<ISession, T> operation)
    {
        ISession? session = null;
        var healthy = false;
        try
        {
            session = _idle.TryTake(out var idle) ? idle : _token.OpenSession(readWrite: false);
            var result = operation(session);
            healthy = true;
            return result;
        }
        catch (Pkcs11RejectedDataException e)
        {
            healthy = e.SessionUsable;
            throw;
        }
        catch (CryptographicException)
        {
            // The module refused the data (for example a GCM tag that does not verify): the session is fine.
            healthy = true;
            throw;
        }
        finally
        {
            if (session is not null)
            {
                if (healthy && Volatile.Read(ref _disposed) == 0)
                {
                    _idle.Add(session);
                }
                else
                {
                    Close(session);
                }
            }

            _slots.Release();
        }
    }

    /// <summary>Closes every idle session and the anchor (which logs the token out when no other user has it open).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        while (_idle.TryTake(out var session))
        {
            Close(session);
        }

        lock (_anchorGate)
        {
            Close(_anchor);
        }
    }

    /// <summary>
    /// Closes a session. One the module already dropped (token removed or reset, sessions closed) cannot be closed
    /// again: that is not an error here, and throwing would skip the caller's cleanup.
    /// </summary>
    internal static void Close(ISession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Pkcs11Exception)
        {
            // Already gone.
        }
    }
}
