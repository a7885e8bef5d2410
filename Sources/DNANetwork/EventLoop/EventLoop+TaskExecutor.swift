extension EventLoop: TaskExecutor {
    /// Runs a task's job on the loop thread, after the jobs queued before it.
    ///
    /// A task that prefers this executor (`Task(executorPreference: loop)`, `withTaskExecutorPreference`) runs
    /// on the loop and resumes there after each suspension, so that a reply read on the loop continues its
    /// task without waking another thread.
    ///
    /// - Important: Such a task must not block, like any code on the loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        execute { [self] in
            unowned.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
