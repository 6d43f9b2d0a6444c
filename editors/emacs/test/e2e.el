;;; e2e.el --- multiprom end-to-end test in Emacs with eglot  -*- lexical-binding: t -*-

;; Real Emacs (Debian's 28, emacs-nox) with Debian's eglot (elpa-eglot), in
;; --batch, against a real `multiprom serve' on a copy of testdata/demo:
;; visit demo_app/metrics.py, wait for flymake to show MP301 on line 18, run
;; `eglot-code-actions' as a user would and take its default (the preferred
;; quick fix), check the server clears MP301, save, and exit 0 only if all of
;; that happened.  run.sh checks the file on disk afterwards.
;;
;; Run by run.sh:  MULTIPROM_BIN=... MP_FILE=<copy>/demo_app/metrics.py \
;;   emacs --batch -Q -l e2e.el  < answers
;;
;; Batch mode needs three things done by hand that an interactive Emacs does
;; by itself:
;; - flymake is started with `flymake-start': its start is deferred to
;;   `post-command-hook', which never runs in batch;
;; - `last-nonmenu-event' is a non-list, so `eglot-code-actions' prompts in
;;   the minibuffer (read from standard input here) instead of popping a menu;
;; - the edit reaches the server on save: eglot sends didChange from an idle
;;   timer, and Emacs is never idle in batch.  didSave sends pending changes.

(require 'package)
;; Debian installs elpa-* packages here; -Q leaves `package-directory-list' empty.
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'flymake)

(defconst mp-deadline 30 "Seconds to wait for each server answer.")
(defconst mp-line 18 "The line of the demo's Gauge without multiprocess_mode.")

(defun mp-log (fmt &rest args)
  (princ (concat "emacs-e2e: " (apply #'format fmt args) "\n")))

(defun mp-finish (ok fmt &rest args)
  (mp-log "%s%s" (if ok "PASS: " "FAIL: ") (apply #'format fmt args))
  (let* ((server (ignore-errors (eglot-current-server)))
         (proc (and server (jsonrpc--process server))))
    (when server
      ;; What `eglot-shutdown' sends (shutdown, then exit), but the server is
      ;; given time to exit by itself: Emacs 28's `jsonrpc-shutdown' kills it
      ;; at once, which would hide a server that ignores exit.  editors/test.sh
      ;; also fails a test that leaves a process behind.
      (setf (eglot--shutdown-requested server) t)
      (condition-case err
          (progn (jsonrpc-request server :shutdown nil :timeout 10)
                 (jsonrpc-notify server :exit nil))
        (error (mp-log "FAIL: shutdown: %S" err) (setq ok nil)))
      (if (mp-wait (lambda () (not (process-live-p proc))))
          (mp-log "server exited with status %d" (process-exit-status proc))
        (mp-log "FAIL: server still running 30s after shutdown/exit")
        (setq ok nil))
      (jsonrpc-shutdown server t)))
  (kill-emacs (if ok 0 1)))

(defun mp-wait (pred)
  "Run the event loop until PRED is non-nil or `mp-deadline' passes."
  (let ((end (+ (float-time) mp-deadline)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun mp-diags (code)
  "Flymake's diagnostics in the current buffer whose text names CODE."
  (cl-remove-if-not (lambda (d) (string-match-p (regexp-quote (format "[%s]" code))
                                                (flymake-diagnostic-text d)))
                    (flymake-diagnostics)))

(defun mp-root (dir)
  "The project root for eglot: the nearest folder above DIR with gunicorn.conf.py,
else with manage.py. The same `project-find-functions' entry as editors/emacs/README.md."
  (when-let ((root (or (locate-dominating-file dir "gunicorn.conf.py")
                       (locate-dominating-file dir "manage.py"))))
    (cons 'transient root)))

(defun mp-run ()
  (let ((bin (or (getenv "MULTIPROM_BIN") (error "MULTIPROM_BIN not set")))
        (file (or (getenv "MP_FILE") (error "MP_FILE not set"))))
    (mp-log "Emacs %s, eglot %s" emacs-version
            (package-version-join (package-desc-version (cadr (assq 'eglot package-alist)))))
    (add-hook 'project-find-functions #'mp-root)
    ;; A list of major modes (python-ts-mode exists from Emacs 29 on).
    (add-to-list 'eglot-server-programs
                 `((python-mode python-ts-mode) . (,bin "serve")))
    (setq eglot-sync-connect mp-deadline)
    (find-file file)
    (unless (eq major-mode 'python-mode)
      (mp-finish nil "major mode is %s" major-mode))
    (call-interactively #'eglot)
    (let ((server (eglot-current-server)))
      (unless server (mp-finish nil "eglot did not connect to %s" bin))
      (mp-log "connected to %s, root %s" bin (project-root (eglot--project server))))
    (unless (bound-and-true-p flymake-mode)
      (mp-finish nil "eglot did not turn on flymake-mode"))
    (flymake-start)

    (unless (mp-wait (lambda () (mp-diags "MP301")))
      (mp-finish nil "no MP301 shown; flymake has: %S"
                 (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
    (let* ((diag (car (mp-diags "MP301")))
           (line (line-number-at-pos (flymake-diagnostic-beg diag))))
      (mp-log "MP301 at line %d: %s" line (flymake-diagnostic-text diag))
      (unless (= line mp-line)
        (mp-finish nil "MP301 on line %d, expected %d" line mp-line))
      (goto-char (flymake-diagnostic-beg diag)))

    ;; As a user: M-x eglot-code-actions at the diagnostic, RET takes the
    ;; default, which eglot makes the server's preferred action.
    (let ((last-nonmenu-event t)
          (prompts nil))
      (advice-add 'completing-read :before
                  (lambda (prompt &rest _) (push prompt prompts))
                  '((name . mp-record)))
      (call-interactively #'eglot-code-actions)
      (advice-remove 'completing-read 'mp-record)
      (mp-log "prompted: %S" prompts)
      (unless (and prompts (string-match-p "(default .*multiprocess_mode" (car prompts)))
        (mp-finish nil "the default action is not the multiprocess_mode fix: %S" prompts)))
    (unless (buffer-modified-p)
      (mp-finish nil "the code action did not change the buffer"))
    (save-excursion
      (goto-char (point-min))
      (forward-line (1- mp-line))
      (mp-log "line %d now: %s" mp-line
              (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

    (save-buffer)
    (unless (mp-wait (lambda () (null (mp-diags "MP301"))))
      (mp-finish nil "MP301 still shown after the fix and save: %S"
                 (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
    (mp-finish t "fixed and saved %s" file)))

(condition-case err
    (mp-run)
  (error (mp-finish nil "error: %S" err)))
